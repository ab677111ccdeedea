"""Every output as a view of one site model: the model, the URL scheme, Markdown pages, the JSON API,
cards and badges, charts and the terminal report."""
