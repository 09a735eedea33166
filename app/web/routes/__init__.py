"""Thin HTTP and websocket adapters: parse, call one use case, render."""
