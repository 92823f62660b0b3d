"""The REST API at /api/: a public read-only catalog and staff-only orders, customers and
chats. A thin edge: views parse input, call the apps' selectors, and shape the output."""
