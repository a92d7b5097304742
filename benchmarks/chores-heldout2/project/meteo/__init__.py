"""meteo: daily summaries and gap reports for weather-station readings exported as CSV."""
