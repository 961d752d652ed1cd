"""Shared pytest configuration: registers the scripted planner-server fixtures for every test."""

pytest_plugins = ["tests.planner_fixture"]
