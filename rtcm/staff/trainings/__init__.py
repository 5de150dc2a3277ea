"""The coordinators' training workspace: list, overview, life-cycle actions, clone, edit …

It reads across the apps (courses, participants), so it stands in ``rtcm.staff``.
"""
