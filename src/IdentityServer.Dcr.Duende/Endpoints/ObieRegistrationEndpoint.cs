// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.Configuration.Models;
using Duende.IdentityServer.Configuration.Models.DynamicClientRegistration;
using Duende.IdentityServer.Configuration.ResponseGeneration;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.AspNetCore.Endpoints;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Duende.Models;
using IdentityServer.Dcr.Duende.Registration;
using IdentityServer.Dcr.Duende.ResponseGeneration;
using IdentityServer.Dcr.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Duende.Endpoints;

/// <summary>
/// <c>POST {path}</c> on Duende: reads the signed body (capped before parsing) and the transport certificate, drives
/// Duende's validator and processor (<see cref="DuendeRegistrationService.RunAsync"/>), and lets Duende's response
/// generator write 201 or 400; 503 when a dependency is unavailable.
/// </summary>
internal static class ObieRegistrationEndpoint
{
    /// <summary>The endpoint name of <c>POST {path}</c>; discovery finds the path by it.</summary>
    public const string EndpointName = "IdentityServer.Dcr.Duende.Register";

    public static async Task HandlePostAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<DcrOptions>>().CurrentValue;
        var generator = services.GetRequiredService<IDynamicClientRegistrationResponseGenerator>();
        var ct = context.RequestAborted;

        var limit = options.RequestObject.MaxBodySize;
        var body = await DcrHttp.ReadBodyAsync(context.Request, limit, ct).ConfigureAwait(false);
        if (body is null)
        {
            await generator.WriteError(context, BodyTooLarge(limit)).ConfigureAwait(false);
            return;
        }

        var accessor = services.GetService<IClientCertificateAccessor>() ?? ActivatorUtilities.CreateInstance<ClientCertificateAccessor>(services);
        var certificate = await accessor.GetClientCertificateAsync(context, ct).ConfigureAwait(false);
        var dcr = new DcrRequestContext(new DcrRequest(context.Request.ContentType, body.Value, certificate));
        var registration = new ObieDynamicClientRegistrationContext(dcr, context.User, ct);

        IDynamicClientRegistrationResponse response;
        try
        {
            response = await services.GetRequiredService<DuendeRegistrationService>().RunAsync(registration).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException)
        {
            // Logged at Error by the stage or store that failed.
            await (generator is ObieDynamicClientRegistrationResponseGenerator obie
                ? obie.WriteUnavailableAsync(context)
                : DcrHttp.WriteUnavailableAsync(context)).ConfigureAwait(false);
            return;
        }

        switch (response)
        {
            case DynamicClientRegistrationError error:
                await generator.WriteError(context, error).ConfigureAwait(false);
                break;
            case DynamicClientRegistrationResponse success:
                await generator.WriteSuccessResponse(context, success).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"The registration processor returned {response.GetType().Name}.");
        }
    }

    private static DynamicClientRegistrationError BodyTooLarge(int limit)
    {
        var error = DcrError.BodyTooLarge(limit);
        return new DynamicClientRegistrationError(error.Error, error.ErrorDescription);
    }
}
