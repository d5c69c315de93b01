"""The deploy gate: may a release go out now?"""
