"""The MkDocs side: the plugin and the programmatic build and preview; nothing else imports MkDocs."""
