"""Shared helpers of the site's plugins (not a Pelican plugin itself).

- errors: the project's exception type, whose message names file, field,
  value and fix;
- frdates: French dates from CLDR data (Babel), independent of system locales;
- typography: French no-break spaces in rendered text;
- headers: the Markdown metadata header parser shared by validation and the
  contributions loader.
"""
