"""Qt item models over the services' data (tables of the Gifts and Gifters pages)."""
