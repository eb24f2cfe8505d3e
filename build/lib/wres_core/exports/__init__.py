"""What leaves the tool: disclosure control, safe text, and the CSV, Excel, PDF and image
exports written from the protected view of an analysis (see ``protected.protect``)."""
