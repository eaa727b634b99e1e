"""The model: everything that decides a run's results, and nothing else.

The code fingerprint that keeps results of different code apart covers this folder and only it.
"""

from simulation.model.attachment_model import AttachmentModel

__all__ = ["AttachmentModel"]
