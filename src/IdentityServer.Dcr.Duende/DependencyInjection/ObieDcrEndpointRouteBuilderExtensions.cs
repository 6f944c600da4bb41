// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore;
using IdentityServer.Dcr.AspNetCore.Endpoints;
using IdentityServer.Dcr.Duende.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

#pragma warning disable IDE0130 // Extension methods live in the namespace of what they extend, by .NET convention.
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Maps the OBIE Dynamic Client Registration endpoints on a Duende IdentityServer.</summary>
public static class ObieDcrEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {path}</c> (a signed registration, through Duende's validator, processor and response generator) and
    /// <c>GET</c>, <c>PUT</c>, <c>DELETE {path}/{ClientId}</c> (management: mutual TLS plus an access token from Duende's
    /// token endpoint). Discovery publishes the path as <c>registration_endpoint</c>. Requires
    /// <c>AddObieDynamicClientRegistration</c>; the host must ask for client certificates
    /// (Kestrel <c>ClientCertificateMode.AllowCertificate</c>), as the engine checks them itself.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="path">The registration path; default <see cref="DcrDefaults.RegistrationPath"/>.</param>
    /// <returns>A builder to add conventions (rate limiting, host filters) to the endpoints.</returns>
    public static IEndpointConventionBuilder MapObieDynamicClientRegistration(
        this IEndpointRouteBuilder endpoints,
        string path = DcrDefaults.RegistrationPath)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var group = endpoints.MapGroup(path);

        // A route handler (a Delegate), not a RequestDelegate, so that the API explorer describes it (see MapDcr).
        Func<HttpContext, Task> register = ObieRegistrationEndpoint.HandlePostAsync;
        group.MapPost(string.Empty, register)
            .WithName(ObieRegistrationEndpoint.EndpointName)
            .WithDisplayName("OBIE DCR on Duende: register a client")
            .DescribeRegistration();
        group.MapDcrOtherMediaTypes(HttpMethods.Post, string.Empty, register, "OBIE DCR on Duende: register a client");
        group.MapDcrManagement("IdentityServer.Dcr.Duende", "OBIE DCR on Duende");
        return group;
    }
}
