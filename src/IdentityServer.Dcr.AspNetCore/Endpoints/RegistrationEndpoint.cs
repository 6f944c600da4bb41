// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.AspNetCore.Logging;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Registration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.AspNetCore.Endpoints;

/// <summary>
/// <c>POST /register</c>: reads the body (capped before parsing) and the transport certificate, runs
/// <see cref="IRegistrationService"/>, and writes 201 with the registration, 400 with an RFC 7591 error, or 503 when
/// a dependency is unavailable. Every answer is JSON and is not cached.
/// </summary>
internal static class RegistrationEndpoint
{
    public static async Task HandlePostAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<DcrOptions>>().CurrentValue;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RegistrationEndpoint).FullName!);
        var ct = context.RequestAborted;

        var limit = options.RequestObject.MaxBodySize;
        var body = await DcrHttp.ReadBodyAsync(context.Request, limit, ct).ConfigureAwait(false);
        if (body is null)
        {
            logger.BodyTooLarge(limit);
            await DcrHttp.WriteErrorAsync(context, StatusCodes.Status400BadRequest, DcrError.BodyTooLarge(limit)).ConfigureAwait(false);
            return;
        }

        var accessor = services.GetService<IClientCertificateAccessor>()
            ?? ActivatorUtilities.CreateInstance<ClientCertificateAccessor>(services);
        var certificate = await accessor.GetClientCertificateAsync(context, ct).ConfigureAwait(false);
        var request = new DcrRequest(context.Request.ContentType, body.Value, certificate);

        DcrResult<JsonObject> result;
        try
        {
            result = await services.GetRequiredService<IRegistrationService>().RegisterAsync(request, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException exception)
        {
            logger.DependencyUnavailable(exception);
            await DcrHttp.WriteUnavailableAsync(context).ConfigureAwait(false);
            return;
        }

        if (!result.Succeeded)
        {
            await DcrHttp.WriteErrorAsync(context, StatusCodes.Status400BadRequest, result.Error).ConfigureAwait(false);
            return;
        }

        await DcrHttp.WriteJsonAsync(context, StatusCodes.Status201Created, result.Value).ConfigureAwait(false);
    }
}
