package dev.fleetplane.pvesim.task;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.http.Reply;

import java.util.List;
import java.util.Map;

/** {@code /nodes/{node}/tasks/{upid}/status} and {@code …/log}, as pve-manager's Tasks.pm answers them. */
public final class TaskApi {

    private final TaskRunner tasks;

    public TaskApi(TaskRunner tasks) {
        this.tasks = tasks;
    }

    public void register(ApiRouter router) {
        router.add("GET", "/nodes/{node}/tasks/{upid}", c -> {
                    find(c);
                    return List.of(Map.of("name", "log"), Map.of("name", "status"));
                })
                .add("GET", "/nodes/{node}/tasks/{upid}/status", this::status)
                .add("GET", "/nodes/{node}/tasks/{upid}/log", this::log);
    }

    private Task find(ApiCall call) {
        String text = call.path("upid");
        Upid upid = Upid.decode(text).orElseThrow(() -> ApiException.param("upid", "unable to parse worker upid '" + text + "'"));
        // pveproxy routes by the path's node, which reads its own task log: another node's task is unknown there
        return tasks.find(upid.encode())
                .filter(t -> t.upid().node().equals(call.path("node")))
                .orElseThrow(() -> ApiException.param("upid", "no such task"));
    }

    private Object status(ApiCall call) {
        call.allowOnly();
        call.check();
        return find(call).status();
    }

    private Object log(ApiCall call) {
        call.allowOnly("start", "limit", "download");
        Integer start = call.optInt("start", 0, Integer.MAX_VALUE);
        Integer limit = call.optInt("limit", 0, Integer.MAX_VALUE);
        call.optBool("download", false);
        call.check();
        Task.LogPage page = find(call).logPage(start == null ? 0 : start, limit == null ? 50 : limit);
        return Reply.withTotal(page.lines(), page.total());
    }
}
