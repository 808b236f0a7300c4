"""
Machine-verifiable certificates: Open Badges 3.0 ``OpenBadgeCredential`` documents (VC data model 2.0),
signed with Ed25519 Data Integrity proofs (``eddsa-rdfc-2022``). Contexts are bundled; nothing is fetched.
"""
