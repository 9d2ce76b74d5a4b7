"""Cameras, site snapshots and drone images, and danger zones drawn on the site plan (issue 17
part 6). Viewing a live stream happens in the camera vendor's player; the platform keeps the
camera's address, the still images and where they were taken."""
