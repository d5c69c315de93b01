"""`/slo` and the SLO messages: the report, one SLO's detail, status changes, the digest."""
