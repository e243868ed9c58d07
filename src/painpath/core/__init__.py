"""Pure domain logic: no database, no web, no clock. Everything else builds on this."""
