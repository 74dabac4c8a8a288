"""Noise schedules: MemFlow's flow-matching scheduler with shift and warped steps."""
