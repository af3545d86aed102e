package dev.fleetplane.proxmox.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * The raw Proxmox VE endpoints fleetplane calls, as a Quarkus REST Client interface. Every method returns
 * the raw {@link Response}: {@link ProxmoxClient} reads status, reason phrase and body itself, because
 * Proxmox's error text lives in the reason phrase. Bodies are form-encoded, as Proxmox expects.
 */
@Produces(MediaType.APPLICATION_JSON)
public interface PveApi extends AutoCloseable {

    @GET
    @Path("/version")
    Response version();

    @GET
    @Path("/cluster/resources")
    Response clusterResources(@QueryParam("type") String type);

    @POST
    @Path("/nodes/{node}/qemu/{vmid}/clone")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response clone(@PathParam("node") String node, @PathParam("vmid") int vmid, MultivaluedMap<String, String> form);

    @GET
    @Path("/nodes/{node}/qemu/{vmid}/config")
    Response config(@PathParam("node") String node, @PathParam("vmid") int vmid);

    @PUT
    @Path("/nodes/{node}/qemu/{vmid}/config")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response putConfig(@PathParam("node") String node, @PathParam("vmid") int vmid, MultivaluedMap<String, String> form);

    @POST
    @Path("/nodes/{node}/qemu/{vmid}/config")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response postConfig(@PathParam("node") String node, @PathParam("vmid") int vmid, MultivaluedMap<String, String> form);

    @PUT
    @Path("/nodes/{node}/qemu/{vmid}/resize")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response resize(@PathParam("node") String node, @PathParam("vmid") int vmid, MultivaluedMap<String, String> form);

    @POST
    @Path("/nodes/{node}/qemu/{vmid}/status/{action}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response power(@PathParam("node") String node, @PathParam("vmid") int vmid, @PathParam("action") String action,
                   MultivaluedMap<String, String> form);

    @GET
    @Path("/nodes/{node}/qemu/{vmid}/status/current")
    Response currentStatus(@PathParam("node") String node, @PathParam("vmid") int vmid);

    @DELETE
    @Path("/nodes/{node}/qemu/{vmid}")
    Response delete(@PathParam("node") String node, @PathParam("vmid") int vmid, @QueryParam("purge") int purge,
                    @QueryParam("destroy-unreferenced-disks") int destroyUnreferencedDisks);

    @GET
    @Path("/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces")
    Response agentNetworkInterfaces(@PathParam("node") String node, @PathParam("vmid") int vmid);

    @GET
    @Path("/nodes/{node}/tasks/{upid}/status")
    Response taskStatus(@PathParam("node") String node, @PathParam("upid") String upid);

    @GET
    @Path("/nodes/{node}/tasks/{upid}/log")
    Response taskLog(@PathParam("node") String node, @PathParam("upid") String upid, @QueryParam("start") int start,
                     @QueryParam("limit") int limit);

    @GET
    @Path("/cluster/nextid")
    Response nextId(@QueryParam("vmid") Integer vmid);

    @POST
    @Path("/nodes/{node}/qemu")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response create(@PathParam("node") String node, MultivaluedMap<String, String> form);

    @POST
    @Path("/nodes/{node}/qemu/{vmid}/template")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response template(@PathParam("node") String node, @PathParam("vmid") int vmid, MultivaluedMap<String, String> form);

    @POST
    @Path("/nodes/{node}/qemu/{vmid}/agent/ping")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response agentPing(@PathParam("node") String node, @PathParam("vmid") int vmid, MultivaluedMap<String, String> form);

    @POST
    @Path("/nodes/{node}/qemu/{vmid}/termproxy")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response termproxy(@PathParam("node") String node, @PathParam("vmid") int vmid, MultivaluedMap<String, String> form);

    @GET
    @Path("/nodes/{node}/storage/{storage}/content")
    Response storageContent(@PathParam("node") String node, @PathParam("storage") String storage,
                            @QueryParam("content") String content, @QueryParam("vmid") Integer vmid);

    @Override
    void close();
}
