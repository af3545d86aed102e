package dev.fleetplane.proxmox.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/** {@code POST /access/ticket}, the ticket login, kept apart from {@link PveApi} because it is called unauthenticated. */
@Produces(MediaType.APPLICATION_JSON)
public interface PveAccessApi extends AutoCloseable {

    @POST
    @Path("/access/ticket")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response ticket(MultivaluedMap<String, String> form);

    @Override
    void close();
}
