"""Reviewing ingested candidates: the queue they wait in and the analyst's decisions on them."""
from geo.review.decisions import accept, merge_into, reject, validate_change
from geo.review.queue import Added, Queue, ReviewError, add_results, load_queue, report_text, save
from geo.review.records import record_from_candidate

__all__ = ["Added", "Queue", "ReviewError", "accept", "add_results", "load_queue",
           "merge_into", "record_from_candidate", "reject", "report_text", "save", "validate_change"]
