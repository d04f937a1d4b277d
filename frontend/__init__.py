"""Streamlit web UI. Talks to the API over HTTP only; imports nothing from backend."""
