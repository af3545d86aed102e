package dev.fleetplane.pvesim.task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One task: its UPID, its log, and its end state, which (as in Proxmox) is read from the last log line. */
public final class Task {

    private final Upid upid;
    private final List<String> log = new ArrayList<>();
    private String exitstatus; // null while running

    Task(Upid upid) {
        this.upid = upid;
    }

    public Upid upid() {
        return upid;
    }

    public synchronized void log(String line) {
        if (exitstatus != null) {
            throw new IllegalStateException("task " + upid + " already ended");
        }
        log.add(line);
    }

    public synchronized boolean running() {
        return exitstatus == null;
    }

    public synchronized String exitstatus() {
        return exitstatus;
    }

    synchronized void finishOk(int warnings) {
        if (exitstatus == null) {
            String last = warnings > 0 ? "TASK WARNINGS: " + warnings : "TASK OK";
            log.add(last);
            exitstatus = warnings > 0 ? "WARNINGS: " + warnings : "OK";
            notifyAll();
        }
    }

    synchronized void finishError(String message) {
        if (exitstatus == null) {
            String text = message == null || message.isBlank() ? "unexpected status" : message.strip();
            log.add("TASK ERROR: " + text);
            exitstatus = text;
            notifyAll();
        }
    }

    /** Waits up to {@code millis} for the task to end; true when it has. */
    public synchronized boolean await(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (exitstatus == null) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** The body of {@code GET /nodes/{node}/tasks/{upid}/status} (pve-manager Tasks.pm {@code read_task_status}). */
    public synchronized Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("upid", upid.encode());
        s.put("node", upid.node());
        s.put("pid", upid.pid());
        s.put("pstart", upid.pstart());
        s.put("starttime", upid.starttime());
        s.put("type", upid.type());
        s.put("id", upid.id());
        s.put("user", upid.userWithoutToken());
        upid.tokenName().ifPresent(t -> s.put("tokenid", t));
        s.put("status", exitstatus == null ? "running" : "stopped");
        if (exitstatus != null) {
            s.put("exitstatus", exitstatus);
        }
        return s;
    }

    /** Log lines {@code start+1 …} ({@code limit} 0 = all), numbered from 1, and the total line count. */
    public synchronized LogPage logPage(int start, int limit) {
        List<Map<String, Object>> lines = new ArrayList<>();
        int count = 0;
        int left = limit <= 0 ? Integer.MAX_VALUE : limit;
        for (String line : log) {
            count++;
            if (count <= start || left <= 0) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("n", count);
            entry.put("t", line);
            lines.add(entry);
            left--;
        }
        if (count == 0) { // dump_logfile's "ExtJS does not like empty arrays" line
            count = 1;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("n", 1);
            entry.put("t", "no content");
            lines.add(entry);
        }
        return new LogPage(lines, count);
    }

    public record LogPage(List<Map<String, Object>> lines, int total) {
    }
}
