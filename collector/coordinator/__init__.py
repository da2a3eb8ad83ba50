"""Coordinator workspace: staff accounts, processes, participants, invitations."""
