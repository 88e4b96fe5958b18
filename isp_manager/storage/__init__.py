"""Files the service keeps (organisations' letterheads), stored in the database.

Nothing the service needs lives only on one server's disk, so any number of servers can
share one database. A file belongs to an owner (a record, by type and id) and has a kind;
an owner has at most one current file of each kind, replaced by the next upload.
"""
