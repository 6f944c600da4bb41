// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore;
using IdentityServer.Dcr.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Maps the OBIE Dynamic Client Registration endpoints.</summary>
public static class DcrEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {path}</c> (registration) and <c>GET</c>, <c>PUT</c>, <c>DELETE {path}/{ClientId}</c> (management, which
    /// needs an <see cref="IdentityServer.Dcr.AspNetCore.Management.IRegistrationAccessTokenValidator"/> from the
    /// authorization server plug-in; without one they answer 405). Requires <c>services.AddDcr(...)</c> and a store. The host must ask
    /// for client certificates (Kestrel <c>ClientCertificateMode.AllowCertificate</c> or <c>RequireCertificate</c>,
    /// with certificate validation left to the engine, which checks the chain against
    /// <see cref="IdentityServer.Dcr.Configuration.TransportOptions.TrustedRoots"/>).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="path">The registration path; default <see cref="DcrDefaults.RegistrationPath"/>.</param>
    /// <returns>A builder to add conventions (rate limiting, host filters) to the endpoints.</returns>
    public static IEndpointConventionBuilder MapDcr(this IEndpointRouteBuilder endpoints, string path = DcrDefaults.RegistrationPath)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var group = endpoints.MapGroup(path);
        group.MapPost(string.Empty, RegistrationEndpoint.HandlePostAsync)
            .WithName("IdentityServer.Dcr.Register")
            .WithDisplayName("OBIE DCR: register a client");
        MapManagement(group, "OBIE DCR");
        return group;
    }

    /// <summary>
    /// Maps <c>GET</c>, <c>POST</c> (read, before 3.4), <c>PUT</c> and <c>DELETE {group}/{ClientId}</c> to the shared
    /// management endpoints; used by <see cref="MapDcr"/> and by the Duende adapter's own mapping.
    /// </summary>
    internal static void MapManagement(RouteGroupBuilder group, string displayPrefix)
    {
        group.MapGet("/{clientId}", (HttpContext context, string clientId) => ManagementEndpoints.HandleAsync(context, clientId, ManagementEndpoints.Operation.Read))
            .WithDisplayName($"{displayPrefix}: read a registration");
        group.MapPost("/{clientId}", (HttpContext context, string clientId) => ManagementEndpoints.HandleAsync(context, clientId, ManagementEndpoints.Operation.LegacyPostRead))
            .WithDisplayName($"{displayPrefix}: read a registration (POST, before 3.4)");
        group.MapPut("/{clientId}", (HttpContext context, string clientId) => ManagementEndpoints.HandleAsync(context, clientId, ManagementEndpoints.Operation.Update))
            .WithDisplayName($"{displayPrefix}: update a registration");
        group.MapDelete("/{clientId}", (HttpContext context, string clientId) => ManagementEndpoints.HandleAsync(context, clientId, ManagementEndpoints.Operation.Delete))
            .WithDisplayName($"{displayPrefix}: delete a registration");
    }
}
