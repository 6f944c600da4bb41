// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Endpoints;
using IdentityServer.Dcr.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.AspNetCore.Certificates;

/// <summary>
/// Makes a trusted proxy's forwarded client certificate the connection's certificate for the whole pipeline
/// (<see cref="ForwardedCertificates"/>), and answers <c>400 invalid_request</c> to a forwarded header that does not
/// hold exactly one certificate. Added first by <c>AddDcrPipeline</c> (the OpenIddict and Duende
/// plug-ins call it), or placed by hand with <c>app.UseDcrForwardedCertificates()</c> before authentication.
/// </summary>
public sealed class ForwardedCertificateMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IOptionsMonitor<DcrOptions> _options;
    private readonly ILogger _logger;

    /// <summary>Creates the middleware.</summary>
    /// <param name="next">The rest of the pipeline.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="logger">The logger.</param>
    public ForwardedCertificateMiddleware(RequestDelegate next, IOptionsMonitor<DcrOptions> options, ILogger<ForwardedCertificateMiddleware> logger)
    {
        _next = next;
        _options = options;
        _logger = logger;
    }

    /// <summary>Applies the forwarded certificate, or refuses the request.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task.</returns>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ForwardedCertificates.Apply(context, _options.CurrentValue.Transport, _logger) == ForwardedCertificateOutcome.Refused
            ? DcrHttp.WriteErrorAsync(
                context,
                StatusCodes.Status400BadRequest,
                new DcrError("invalid_request", DcrErrorDescriptions.ForwardedCertificateInvalid))
            : _next(context);
    }
}
