"""kuanalysis: avstämning och rapporter för Kommunal utveckling i Jönköpings län."""

__version__ = "0.2.0"
