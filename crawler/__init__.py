"""District Account Scout: find unregistered social media accounts of a school district."""

__version__ = "0.1.0"
