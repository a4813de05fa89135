"""The fault matrix of PRACTICES.md as tests, and the generator of docs/RELIABILITY.md."""
