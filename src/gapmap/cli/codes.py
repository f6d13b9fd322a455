"""The ``gapmap`` command's exit codes, in one place (light: imported before any heavy module).

0 success; 1 bad data or a refused output; 2 a usage error (argparse), or an unexpected error shown as a message;
130 interrupted (Ctrl-C); 141 standard output closed by its reader (``| head``), quietly; 3 from
``audit-disclosure`` alone: a suppressed value can be worked out from the tables a user can download.
"""

EXIT_OK, EXIT_BAD_INPUT, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 130, 141
EXIT_DISCLOSIVE = 3  # audit-disclosure found a hidden value an attacker can pin down
INTERRUPTED = "interrupted; nothing half-written was kept."
