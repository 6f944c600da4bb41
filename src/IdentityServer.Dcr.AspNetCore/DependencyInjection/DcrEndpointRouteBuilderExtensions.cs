// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore;
using IdentityServer.Dcr.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Maps the OBIE Dynamic Client Registration endpoints.</summary>
public static class DcrEndpointRouteBuilderExtensions
{
    /// <summary>The path parameter of the management endpoints, named as in OBIE's OpenAPI file.</summary>
    private const string ClientIdParameter = "ClientId";

    private const string ClientIdPattern = "/{" + ClientIdParameter + "}";

    /// <summary>
    /// Maps <c>POST {path}</c> (registration) and <c>GET</c>, <c>PUT</c>, <c>DELETE {path}/{ClientId}</c> (management, which
    /// needs an <see cref="IdentityServer.Dcr.AspNetCore.Management.IRegistrationAccessTokenValidator"/> from the
    /// authorization server plug-in; without one they answer 405). Requires <c>services.AddDcr(...)</c> and a store. The host must ask
    /// for client certificates (Kestrel <c>ClientCertificateMode.AllowCertificate</c> or <c>RequireCertificate</c>,
    /// with certificate validation left to the engine, which checks the chain against
    /// <see cref="IdentityServer.Dcr.Configuration.TransportOptions.TrustedRoots"/>).
    /// </summary>
    /// <remarks>
    /// The endpoints carry their API description as framework metadata (tag, summaries, accepted media types, response
    /// types with <see cref="IdentityServer.Dcr.AspNetCore.Endpoints.DcrRegistrationResponse"/> and
    /// <see cref="IdentityServer.Dcr.DcrError"/>), so an OpenAPI generator such as Microsoft.AspNetCore.OpenApi describes
    /// them; a management operation that answers 405 is left out. Use the returned builder's <c>WithGroupName</c> to put
    /// them in a document of their own.
    /// </remarks>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="path">The registration path; default <see cref="DcrDefaults.RegistrationPath"/>.</param>
    /// <returns>A builder to add conventions (rate limiting, host filters) to the endpoints.</returns>
    public static IEndpointConventionBuilder MapDcr(this IEndpointRouteBuilder endpoints, string path = DcrDefaults.RegistrationPath)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var group = endpoints.MapGroup(path);

        // Mapped as a route handler (a Delegate), not a RequestDelegate: the API explorer describes only endpoints that
        // carry their handler's method, so a RequestDelegate endpoint would be missing from OpenAPI documents.
        Func<HttpContext, Task> register = RegistrationEndpoint.HandlePostAsync;
        group.MapPost(string.Empty, register)
            .WithName("IdentityServer.Dcr.Register")
            .WithDisplayName("OBIE DCR: register a client")
            .DescribeRegistration();
        group.MapDcrOtherMediaTypes(HttpMethods.Post, string.Empty, register, "OBIE DCR: register a client");
        group.MapDcrManagement("IdentityServer.Dcr", "OBIE DCR");
        return group;
    }

    /// <summary>
    /// Maps <c>GET</c>, <c>POST</c> (read, before 3.4), <c>PUT</c> and <c>DELETE {group}/{ClientId}</c> to the shared
    /// management endpoints, named <c>{namePrefix}.GetRegistration</c> and so on, with their API description; used by
    /// <see cref="MapDcr"/> and by the Duende adapter's own mapping.
    /// </summary>
    /// <param name="group">The group of the registration endpoint (its path).</param>
    /// <param name="namePrefix">The prefix of the endpoint names.</param>
    /// <param name="displayPrefix">The prefix of the endpoints' display names.</param>
    public static void MapDcrManagement(this RouteGroupBuilder group, string namePrefix, string displayPrefix)
    {
        ArgumentNullException.ThrowIfNull(group);
        var services = ((IEndpointRouteBuilder)group).ServiceProvider;
        (string Method, ManagementEndpoints.Operation Operation, string Name, string Display)[] endpoints =
        [
            (HttpMethods.Get, ManagementEndpoints.Operation.Read, "GetRegistration", "read a registration"),
            (HttpMethods.Post, ManagementEndpoints.Operation.LegacyPostRead, "GetRegistrationByPost", "read a registration (POST, before 3.4)"),
            (HttpMethods.Put, ManagementEndpoints.Operation.Update, "UpdateRegistration", "update a registration"),
            (HttpMethods.Delete, ManagementEndpoints.Operation.Delete, "DeleteRegistration", "delete a registration"),
        ];
        foreach (var (method, operation, name, display) in endpoints)
        {
            var handler = Handler(operation);
            group.MapMethods(ClientIdPattern, [method], handler)
                .WithName($"{namePrefix}.{name}")
                .WithDisplayName($"{displayPrefix}: {display}")
                .DescribeManagement(services, operation);
            if (operation == ManagementEndpoints.Operation.Update)
            {
                group.MapDcrOtherMediaTypes(method, ClientIdPattern, handler, $"{displayPrefix}: {display}");
            }
        }

        static Delegate Handler(ManagementEndpoints.Operation operation)
            => (HttpContext context, [FromRoute(Name = ClientIdParameter)] string clientId)
                => ManagementEndpoints.HandleAsync(context, clientId, operation);
    }

    /// <summary>
    /// Maps the twin of an endpoint whose description lists the request media types it accepts: the same handler, with
    /// no media types and left out of the API description. The described endpoint's accepted media types are endpoint
    /// metadata that routing enforces with a bare 415; with the twin, a request of another media type (or of none)
    /// reaches the engine as before and is answered <c>400 invalid_client_metadata</c>, as the description's 400 says.
    /// Routing prefers the endpoint with media types, so the twin takes only what it does not accept.
    /// </summary>
    /// <param name="group">The group the endpoint is mapped in.</param>
    /// <param name="method">Its HTTP method.</param>
    /// <param name="pattern">Its route pattern.</param>
    /// <param name="handler">Its handler.</param>
    /// <param name="displayName">Its display name (the twin's gets a suffix).</param>
    public static void MapDcrOtherMediaTypes(this RouteGroupBuilder group, string method, string pattern, Delegate handler, string displayName)
        => group.MapMethods(pattern, [method], handler)
            .WithDisplayName($"{displayName} (other media types)")
            .ExcludeFromDescription();
}
