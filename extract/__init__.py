"""Article text and facts from Vietnamese party-building news."""
