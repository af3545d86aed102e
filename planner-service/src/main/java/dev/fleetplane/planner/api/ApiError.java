package dev.fleetplane.planner.api;

import java.util.List;

/** The body of every error answer: what went wrong and, where it helps, each detail (path: problem). */
public record ApiError(String error, List<String> details) {
}
