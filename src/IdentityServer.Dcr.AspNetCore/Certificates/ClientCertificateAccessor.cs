// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.AspNetCore.Logging;
using IdentityServer.Dcr.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.AspNetCore.Certificates;

/// <summary>The default <see cref="IClientCertificateAccessor"/>.</summary>
public class ClientCertificateAccessor : IClientCertificateAccessor
{
    private const int MaxHeaderLength = 16 * 1024;

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
    public virtual async Task<X509Certificate2?> GetClientCertificateAsync(HttpContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var transport = Options.CurrentValue.Transport;
        if (transport.ForwardedCertificateHeader is { Length: > 0 } header
            && context.Request.Headers.TryGetValue(header, out var values)
            && IsTrustedProxy(context.Connection.RemoteIpAddress, transport.TrustedProxies))
        {
            return ParseForwardedCertificate(values.ToString());
        }

        return context.Connection.ClientCertificate ?? await context.Connection.GetClientCertificateAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Parses a forwarded certificate: URL-encoded PEM (nginx <c>$ssl_client_escaped_cert</c>, Envoy), plain PEM, or
    /// base64 DER (Azure Application Gateway, AWS ALB). Returns <see langword="null"/> for anything else.
    /// </summary>
    /// <param name="value">The header value.</param>
    /// <returns>The certificate, or <see langword="null"/>.</returns>
    protected virtual X509Certificate2? ParseForwardedCertificate(string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxHeaderLength)
        {
            return null;
        }

        try
        {
            var text = value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                return X509Certificate2.CreateFromPem(text);
            }

            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text.Trim()));
        }
        catch (Exception exception) when (exception is FormatException or CryptographicException or ArgumentException)
        {
            Logger.ForwardedCertificateUnreadable();
            return null;
        }
    }

    private static bool IsTrustedProxy(IPAddress? remote, IList<string> proxies)
    {
        if (remote is null)
        {
            return false;
        }

        var normalised = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        foreach (var proxy in proxies)
        {
            if (IPAddress.TryParse(proxy, out var address) && (address.Equals(normalised) || address.Equals(remote)))
            {
                return true;
            }
        }

        return false;
    }
}
