package dev.fleetplane.pvesim.faults;

import dev.fleetplane.pvesim.http.ApiDispatcher;
import dev.fleetplane.pvesim.http.ApiResponse;
import dev.fleetplane.pvesim.http.RawRequest;
import dev.fleetplane.pvesim.qemu.GuestDefect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fault switches for tests and demos, flipped at runtime ({@code sim.faults().lockContention("clone", 2)}) or set on
 * the builder: latency per operation, a 5xx rate, lock contention, an agent that never comes up, a task failing on its
 * Nth run or at a rate, bad answers (HTML, truncated JSON, a stall), and broken guest images ({@link GuestDefect}) in
 * new VMs; {@link #chaos} sets the rate faults everywhere at once. Operations are named by {@link #operationOf}; {@code "*"}
 * means every operation. Faulted requests that never reach the API (errors, HTML) are not in the request counter;
 * {@link #injected()} counts them.
 */
public final class Faults {

    /** Operation names, matched against {@code METHOD /relative/path} under {@code /api2/json}. */
    private static final Map<String, Pattern> OPERATIONS = new java.util.LinkedHashMap<>();

    static {
        String vm = "/nodes/[^/]+/qemu/(\\d+)";
        OPERATIONS.put("clone", Pattern.compile("POST " + vm + "/clone"));
        OPERATIONS.put("config-write", Pattern.compile("(?:PUT|POST) " + vm + "/config"));
        OPERATIONS.put("config-read", Pattern.compile("GET " + vm + "/config"));
        OPERATIONS.put("start", Pattern.compile("POST " + vm + "/status/start"));
        OPERATIONS.put("stop", Pattern.compile("POST " + vm + "/status/stop"));
        OPERATIONS.put("shutdown", Pattern.compile("POST " + vm + "/status/shutdown"));
        OPERATIONS.put("reboot", Pattern.compile("POST " + vm + "/status/reboot"));
        OPERATIONS.put("status", Pattern.compile("GET " + vm + "/status/current"));
        OPERATIONS.put("resize", Pattern.compile("PUT " + vm + "/resize"));
        OPERATIONS.put("agent", Pattern.compile("(?:GET|POST) " + vm + "/agent/.*"));
        OPERATIONS.put("delete", Pattern.compile("DELETE " + vm));
        OPERATIONS.put("create", Pattern.compile("POST /nodes/[^/]+/qemu"));
        OPERATIONS.put("template", Pattern.compile("POST " + vm + "/template"));
        OPERATIONS.put("storage-content", Pattern.compile("GET /nodes/[^/]+/storage/[^/]+/content"));
        OPERATIONS.put("upload", Pattern.compile("POST /nodes/[^/]+/storage/[^/]+/upload"));
        OPERATIONS.put("termproxy", Pattern.compile("POST " + vm + "/termproxy"));
        OPERATIONS.put("resources", Pattern.compile("GET /cluster/resources"));
        OPERATIONS.put("nextid", Pattern.compile("GET /cluster/nextid"));
        OPERATIONS.put("version", Pattern.compile("GET /version"));
        OPERATIONS.put("task-status", Pattern.compile("GET /nodes/[^/]+/tasks/[^/]+/status"));
        OPERATIONS.put("task-log", Pattern.compile("GET /nodes/[^/]+/tasks/[^/]+/log"));
    }

    /** The operations that take a VM's config lock in qemu-server, where {@link #chaos} puts lock contention. */
    private static final List<String> LOCKING = List.of("clone", "config-write", "start", "stop", "shutdown", "resize",
            "delete");

    /** A fault armed for the next {@code remaining} matching requests ({@code < 0}: until cleared). */
    private static final class Armed {
        final AtomicInteger remaining;
        final Duration duration;

        Armed(int times, Duration duration) {
            this.remaining = new AtomicInteger(times);
            this.duration = duration;
        }

        boolean fire() {
            while (true) {
                int n = remaining.get();
                if (n == 0) {
                    return false;
                }
                if (n < 0 || remaining.compareAndSet(n, n - 1)) {
                    return true;
                }
            }
        }
    }

    private final Map<String, Duration> latency = new ConcurrentHashMap<>();
    private final Map<String, Double> errorRate = new ConcurrentHashMap<>();
    private final Map<String, Armed> lockContention = new ConcurrentHashMap<>();
    private final Map<String, Armed> html = new ConcurrentHashMap<>();
    private final Map<String, Armed> truncated = new ConcurrentHashMap<>();
    private final Map<String, Armed> wrongType = new ConcurrentHashMap<>();
    private final Map<String, Armed> stall = new ConcurrentHashMap<>();
    private final Map<String, Integer> failTaskOnRun = new ConcurrentHashMap<>();
    private final Map<String, Double> lockRate = new ConcurrentHashMap<>();
    private final Map<String, Double> stallRate = new ConcurrentHashMap<>();
    private volatile Duration stallRateDuration = Duration.ZERO;
    private final Map<String, Double> taskFailureRate = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> taskRuns = new ConcurrentHashMap<>();
    private final AtomicLong injected = new AtomicLong();
    private volatile boolean agentNeverUp;
    private final java.util.Set<GuestDefect> newVmDefects = ConcurrentHashMap.newKeySet();
    private final Map<Integer, java.util.Set<GuestDefect>> cloneDefects = new ConcurrentHashMap<>();
    private volatile boolean ipChangeAll = true;
    private final Map<Integer, Boolean> ipChange = new ConcurrentHashMap<>();
    private final Random random = new Random(0x5EED);
    private final java.util.Set<String> droppedPrivileges = ConcurrentHashMap.newKeySet();
    private volatile java.util.Set<String> knownPrivileges = dev.fleetplane.pvesim.access.Privileges.of("9.0").all();

    /** Every matching request waits {@code delay} before it is handled (zero clears). */
    public Faults latency(String operation, Duration delay) {
        check(operation);
        if (delay.isZero()) {
            latency.remove(operation);
        } else {
            latency.put(operation, delay);
        }
        return this;
    }

    /** A share (0..1) of matching requests fail with {@code 503 Service Unavailable} (0 clears). */
    public Faults errorRate(String operation, double rate) {
        return rate(errorRate, operation, rate);
    }

    /**
     * The next {@code times} matching requests fail as a contended config lock does:
     * {@code 500 can't lock file '/var/lock/qemu-server/lock-<vmid>.conf' - got timeout}.
     */
    public Faults lockContention(String operation, int times) {
        return arm(lockContention, operation, times, Duration.ZERO);
    }

    /** The next {@code times} matching requests are answered {@code 200} with an HTML page (a proxy or the web UI). */
    public Faults html(String operation, int times) {
        return arm(html, operation, times, Duration.ZERO);
    }

    /** The next {@code times} matching answers are cut in the middle of their JSON body. */
    public Faults truncatedJson(String operation, int times) {
        return arm(truncated, operation, times, Duration.ZERO);
    }

    /** The next {@code times} matching answers carry {@code data} of the wrong kind (a string instead of the value). */
    public Faults wrongType(String operation, int times) {
        return arm(wrongType, operation, times, Duration.ZERO);
    }

    /** The next {@code times} matching requests are held {@code duration} before any answer (a hung pveproxy worker). */
    public Faults stall(String operation, Duration duration, int times) {
        return arm(stall, operation, times, duration);
    }

    /**
     * A share (0..1) of matching requests fail as a contended config lock does, for as long as it is set (0 clears):
     * the rate form of {@link #lockContention}.
     */
    public Faults lockContentionRate(String operation, double rate) {
        return rate(lockRate, operation, rate);
    }

    /**
     * A share (0..1) of matching requests are held {@code duration} before they are handled (0 clears): the rate form
     * of {@link #stall}. One duration is shared by every operation with a stall rate.
     */
    public Faults stallRate(String operation, Duration duration, double rate) {
        Objects.requireNonNull(duration, "duration");
        this.stallRateDuration = duration;
        return rate(stallRate, operation, rate);
    }

    /**
     * A share (0..1) of the tasks of {@code taskType} ({@code qmclone}, …, or {@code *} for every type) fail with
     * {@code fault injected: <type> failed} instead of doing their work (0 clears): the rate form of
     * {@link #failTaskOnRun}.
     */
    public Faults taskFailureRate(String taskType, double rate) {
        return setRate(taskFailureRate, Objects.requireNonNull(taskType, "taskType"), rate);
    }

    /**
     * Proxmox misbehaving everywhere at once, each fault at {@code rate}: 503s on every operation, lock contention on
     * every operation that takes a VM's config lock (clone, config-write, start, stop, shutdown, resize, delete),
     * stalls of {@code stall} on every operation, and failing tasks of every type. {@code chaos(0, …)} clears them.
     */
    public Faults chaos(double rate, Duration stall) {
        errorRate("*", rate);
        for (String op : LOCKING) {
            lockContentionRate(op, rate);
        }
        stallRate("*", stall, rate);
        return taskFailureRate("*", rate);
    }

    /** {@code RATE} or {@code RATE:STALL_MS}: {@link #chaos}, as the option {@code option} gives it (stalls 2 s by default). */
    public static java.util.function.Consumer<Faults> chaosSetting(String option, String value) {
        int colon = value.indexOf(':');
        double rate;
        Duration stall = Duration.ofSeconds(2);
        try {
            rate = Double.parseDouble(colon < 0 ? value : value.substring(0, colon));
            if (colon >= 0) {
                stall = Duration.ofMillis(Long.parseLong(value.substring(colon + 1)));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs RATE or RATE:STALL_MS (e.g. 0.2 or 0.2:1500), got '"
                    + value + "'");
        }
        if (!(rate >= 0 && rate <= 1) || stall.isNegative()) {
            throw new IllegalArgumentException(option + ": the rate must be within 0..1 and the stall at least 0, got '"
                    + value + "'");
        }
        double r = rate;
        Duration s = stall;
        return f -> f.chaos(r, s);
    }

    /** The guest agent never answers: every agent call fails {@code QEMU guest agent is not running}. */
    public Faults agentNeverUp(boolean on) {
        this.agentNeverUp = on;
        return this;
    }

    /**
     * Every VM made from now on (create, restore, clone) carries {@code defect} for its life, as a broken image would:
     * {@link GuestDefect#NO_AGENT} (agent calls fail {@code 500 QEMU guest agent is not running}) or
     * {@link GuestDefect#NO_DHCP} (the agent reports loopback and link-local addresses only). Switching it off spares
     * VMs made afterwards; those made meanwhile keep it, and so do their clones.
     */
    public Faults guestDefectInNewVms(GuestDefect defect, boolean on) {
        Objects.requireNonNull(defect, "defect");
        if (on) {
            newVmDefects.add(defect);
        } else {
            newVmDefects.remove(defect);
        }
        return this;
    }

    /** As {@link #guestDefectInNewVms} for the clones of VM {@code sourceVmid} only (a broken template). */
    public Faults guestDefectInClonesOf(int sourceVmid, GuestDefect defect, boolean on) {
        Objects.requireNonNull(defect, "defect");
        if (on) {
            cloneDefects.computeIfAbsent(sourceVmid, id -> ConcurrentHashMap.newKeySet()).add(defect);
        } else {
            cloneDefects.getOrDefault(sourceVmid, java.util.Set.of()).remove(defect);
        }
        return this;
    }

    /** For the inventory: the defects a VM made now gets; {@code cloneSource} is null unless it is a clone. */
    public java.util.Set<GuestDefect> newVmDefects(Integer cloneSource) {
        java.util.Set<GuestDefect> out = java.util.EnumSet.noneOf(GuestDefect.class);
        out.addAll(newVmDefects);
        if (cloneSource != null) {
            out.addAll(cloneDefects.getOrDefault(cloneSource, java.util.Set.of()));
        }
        return out;
    }

    /**
     * Netns guests: whether a network restart (the one {@code nixos-rebuild switch} does while activating) moves
     * every guest to a new IPv4 address, as DHCP does when networkd restarts. Default on. Read when a guest boots
     * and when the simulator notices a move, so a change reaches a running guest at its next boot.
     */
    public Faults ipChangeOnNetworkRestart(boolean on) {
        this.ipChangeAll = on;
        ipChange.clear();
        return this;
    }

    /** As {@link #ipChangeOnNetworkRestart(boolean)} for one VM, overriding the all-guests setting. */
    public Faults ipChangeOnNetworkRestart(int vmid, boolean on) {
        ipChange.put(vmid, on);
        return this;
    }

    /** Whether VM {@code vmid}'s next network restart moves it to a new address. */
    public boolean ipChangesOnNetworkRestart(int vmid) {
        return ipChange.getOrDefault(vmid, ipChangeAll);
    }

    /**
     * The {@code nth} task of {@code taskType} ({@code qmstart}, {@code qmclone}, …) from now fails with
     * {@code fault injected: <type> failed on run n} instead of doing its work. A failed {@code qmclone} leaves its
     * target locked, as a node crash would; prefer tasks whose effect is all in the worker.
     */
    public Faults failTaskOnRun(String taskType, int nth) {
        if (nth < 1) {
            throw new IllegalArgumentException("nth must be at least 1, got " + nth);
        }
        taskRuns.put(taskType, new AtomicInteger());
        failTaskOnRun.put(taskType, nth);
        return this;
    }

    /**
     * Takes these privileges away from every caller, wherever its ACLs grant them: privilege-checked calls that need one
     * answer {@code 403 Permission check failed (<path>, <privilege>)}, lists hide what it would show, and
     * {@code /access/permissions} no longer reports it. Unknown names are refused listing the known ones.
     */
    public Faults dropPrivileges(String... privileges) {
        for (String p : privileges) {
            if (!knownPrivileges.contains(p)) {
                throw new IllegalArgumentException("unknown privilege '" + p + "'; known: "
                        + String.join(" ", new java.util.TreeSet<>(knownPrivileges)));
            }
        }
        droppedPrivileges.addAll(Arrays.asList(privileges));
        return this;
    }

    /** Gives back every privilege {@link #dropPrivileges} took. */
    public Faults restorePrivileges() {
        droppedPrivileges.clear();
        return this;
    }

    /** The privileges currently taken away from every caller. */
    public java.util.Set<String> droppedPrivileges() {
        return java.util.Set.copyOf(droppedPrivileges);
    }

    /** The privilege names {@link #dropPrivileges} accepts (the simulated release's; set by the simulator). */
    public Faults knownPrivileges(java.util.Set<String> names) {
        this.knownPrivileges = java.util.Set.copyOf(names);
        return this;
    }

    /** Switches every fault off. */
    public Faults clear() {
        droppedPrivileges.clear();
        latency.clear();
        errorRate.clear();
        lockContention.clear();
        html.clear();
        truncated.clear();
        wrongType.clear();
        stall.clear();
        failTaskOnRun.clear();
        taskRuns.clear();
        lockRate.clear();
        stallRate.clear();
        taskFailureRate.clear();
        agentNeverUp = false;
        newVmDefects.clear();
        cloneDefects.clear();
        ipChangeAll = true;
        ipChange.clear();
        return this;
    }

    /** Requests answered by a fault instead of the API (errors, HTML), since start. */
    public long injected() {
        return injected.get();
    }

    /** The operation name of a request ({@code clone}, {@code config-write}, …, {@code other}). */
    public static String operationOf(String method, String relativePath) {
        String key = method + " " + relativePath;
        for (var e : OPERATIONS.entrySet()) {
            if (e.getValue().matcher(key).matches()) {
                return e.getKey();
            }
        }
        return "other";
    }

    /** For the task runner: the error a task of {@code type} must end with now, or null to run it normally. */
    public String taskFailure(String type) {
        Double rate = lookup(taskFailureRate, type);
        if (rate != null && nextDouble() < rate) {
            injected.incrementAndGet();
            return "fault injected: " + type + " failed";
        }
        Integer nth = failTaskOnRun.get(type);
        if (nth == null) {
            return null;
        }
        int run = taskRuns.computeIfAbsent(type, t -> new AtomicInteger()).incrementAndGet();
        if (run != nth) {
            return null;
        }
        failTaskOnRun.remove(type);
        injected.incrementAndGet();
        return "fault injected: " + type + " failed on run " + run;
    }

    /** Wraps the API handler so armed faults act before (or on) its answers. */
    public Function<RawRequest, ApiResponse> around(Function<RawRequest, ApiResponse> api) {
        return request -> apply(request, api);
    }

    private ApiResponse apply(RawRequest request, Function<RawRequest, ApiResponse> api) {
        String path = request.rawPath();
        if (!path.startsWith(ApiDispatcher.PREFIX + "/")) {
            return api.apply(request);
        }
        String relative = path.substring(ApiDispatcher.PREFIX.length());
        String op = operationOf(request.method(), relative);
        Duration delay = lookup(latency, op);
        if (delay != null) {
            sleep(delay);
        }
        Armed s = armed(stall, op);
        if (s != null) {
            sleep(s.duration);
        }
        Double stalls = lookup(stallRate, op);
        if (stalls != null && nextDouble() < stalls) {
            sleep(stallRateDuration);
        }
        if (agentNeverUp && op.equals("agent")) {
            return error(500, "QEMU guest agent is not running");
        }
        Double locks = lookup(lockRate, op);
        if (armed(lockContention, op) != null || locks != null && nextDouble() < locks) {
            return error(500, "can't lock file '/var/lock/qemu-server/lock-" + vmidOf(relative) + ".conf' - got timeout");
        }
        Double rate = lookup(errorRate, op);
        if (rate != null && nextDouble() < rate) {
            return error(503, "Service Unavailable");
        }
        if (armed(html, op) != null) {
            injected.incrementAndGet();
            return new ApiResponse(200, "OK", "text/html;charset=UTF-8", ("<!DOCTYPE html>\n<html><head><title>pve - Proxmox"
                    + " Virtual Environment</title></head><body><div id=\"loading\">Loading…</div></body></html>\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        ApiResponse answer = api.apply(request);
        if (answer.status() == 200 && armed(truncated, op) != null) {
            injected.incrementAndGet();
            byte[] body = answer.body();
            return new ApiResponse(200, answer.reason(), answer.contentType(), Arrays.copyOf(body, Math.max(1, body.length / 2)));
        }
        if (answer.status() == 200 && armed(wrongType, op) != null) {
            injected.incrementAndGet();
            return new ApiResponse(200, answer.reason(), ApiResponse.JSON,
                    "{\"data\":\"unexpected\"}".getBytes(StandardCharsets.UTF_8));
        }
        return answer;
    }

    private ApiResponse error(int status, String message) {
        injected.incrementAndGet();
        String body = "{\"data\":null,\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\\n\"}";
        return new ApiResponse(status, message, ApiResponse.JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    private static String vmidOf(String relative) {
        Matcher m = Pattern.compile("/qemu/(\\d+)").matcher(relative);
        return m.find() ? m.group(1) : "0";
    }

    private static <T> T lookup(Map<String, T> map, String op) {
        T v = map.get(op);
        return v != null ? v : map.get("*");
    }

    private static Armed armed(Map<String, Armed> map, String op) {
        for (String key : new String[] {op, "*"}) {
            Armed a = map.get(key);
            if (a != null && a.fire()) {
                return a;
            }
        }
        return null;
    }

    private Faults rate(Map<String, Double> map, String operation, double rate) {
        check(operation);
        return setRate(map, operation, rate);
    }

    /** Sets {@code key}'s rate in {@code map} (0 removes it); task types are not operations, so not checked as one. */
    private Faults setRate(Map<String, Double> map, String key, double rate) {
        checkRate(rate);
        if (rate == 0) {
            map.remove(key);
        } else {
            map.put(key, rate);
        }
        return this;
    }

    private static void checkRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("a fault rate must be within 0..1, got " + rate);
        }
    }

    private Faults arm(Map<String, Armed> map, String operation, int times, Duration duration) {
        check(operation);
        Objects.requireNonNull(duration, "duration");
        if (times == 0) {
            map.remove(operation);
        } else {
            map.put(operation, new Armed(times, duration));
        }
        return this;
    }

    private static void check(String operation) {
        if (!"*".equals(operation) && !OPERATIONS.containsKey(operation)) {
            throw new IllegalArgumentException("unknown operation '" + operation + "'; expected * or one of "
                    + OPERATIONS.keySet());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
