// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.AspNetCore.Certificates;

/// <summary>The default <see cref="IClientCertificateAccessor"/>.</summary>
public class ClientCertificateAccessor : IClientCertificateAccessor
{
    /// <summary>Creates the accessor.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="logger">The logger.</param>
    public ClientCertificateAccessor(IOptionsMonitor<DcrOptions> options, ILogger<ClientCertificateAccessor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Logger = logger;
    }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    /// <remarks>
    /// A trusted proxy's forwarded certificate is applied to the connection first (<see cref="ForwardedCertificates"/>,
    /// normally already done by <see cref="ForwardedCertificateMiddleware"/>); then the connection's certificate is the
    /// presented one, for every component alike.
    /// </remarks>
    public virtual async Task<X509Certificate2?> GetClientCertificateAsync(HttpContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (ForwardedCertificates.Apply(context, Options.CurrentValue.Transport, Logger) == ForwardedCertificateOutcome.Refused)
        {
            return null;
        }

        return context.Connection.ClientCertificate ?? await context.Connection.GetClientCertificateAsync(ct).ConfigureAwait(false);
    }
}
