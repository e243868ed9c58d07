"""Use cases. The web pages, the JSON API and the CLI all call these functions; each
one checks the access policy, does its work in one transaction and writes the audit."""
