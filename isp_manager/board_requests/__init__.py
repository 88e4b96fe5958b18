"""Section 137 requests: a Safeguarding Board asks a qualifying person or body for specified
information, to the board or to another body named in the request; the board reports each
year the requests it made and whether they were complied with."""
