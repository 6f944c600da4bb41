// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.AspNetCore.Logging;
using IdentityServer.Dcr.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.AspNetCore.Certificates;

/// <summary>What <see cref="ForwardedCertificates.Apply"/> made of a request.</summary>
public enum ForwardedCertificateOutcome
{
    /// <summary>No forwarding is configured, or the request does not come from a trusted proxy: the connection's certificate stands.</summary>
    NotForwarded,

    /// <summary>A trusted proxy forwarded exactly one certificate, or none: the connection now carries it (or none).</summary>
    Applied,

    /// <summary>A trusted proxy sent the header more than once, several certificates in it, or something that is not a certificate.</summary>
    Refused,
}

/// <summary>
/// The one place where a certificate forwarded by a TLS-terminating proxy becomes "the presented certificate": it
/// replaces the connection's TLS feature, so the engine, OpenIddict's token endpoint (<c>tls_client_auth</c> and the
/// <c>cnf</c> binding), Duende and the management endpoints all see the same certificate. Run by
/// <see cref="ForwardedCertificateMiddleware"/> at the start of the pipeline (the plug-ins add it), and again, without
/// effect, by <see cref="ClientCertificateAccessor"/>.
/// </summary>
/// <remarks>
/// Only requests from <see cref="TransportOptions.TrustedProxies"/> are read. From such a proxy the header is the whole
/// truth: no header means no client certificate (never the proxy's own TLS client certificate); exactly one value
/// holding exactly one certificate is required, since an appending proxy would otherwise let a client place a
/// certificate of its choice in front of its own.
/// </remarks>
public static class ForwardedCertificates
{
    private const int MaxHeaderLength = 16 * 1024;
    private const string PemBegin = "-----BEGIN CERTIFICATE-----";
    private static readonly object Marker = new();

    /// <summary>Applies the trusted proxy's forwarded certificate to <paramref name="context"/>, once.</summary>
    /// <param name="context">The request.</param>
    /// <param name="transport">The transport options (header name, trusted proxies).</param>
    /// <param name="logger">Logs refusals.</param>
    /// <returns>What was done.</returns>
    public static ForwardedCertificateOutcome Apply(HttpContext context, TransportOptions transport, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(logger);
        if (context.Items.TryGetValue(Marker, out var done) && done is ForwardedCertificateOutcome outcome)
        {
            return outcome;
        }

        outcome = Resolve(context, transport, logger);
        context.Items[Marker] = outcome;
        return outcome;
    }

    private static ForwardedCertificateOutcome Resolve(HttpContext context, TransportOptions transport, ILogger logger)
    {
        if (transport.ForwardedCertificateHeader is not { Length: > 0 } header
            || !IsTrustedProxy(context.Connection.RemoteIpAddress, transport.TrustedProxies))
        {
            return ForwardedCertificateOutcome.NotForwarded;
        }

        X509Certificate2? certificate = null;
        var values = context.Request.Headers[header];
        if (values.Count > 1)
        {
            logger.ForwardedCertificateRefused("the header was sent more than once");
            return Refuse(context);
        }

        if (values.Count == 1 && !string.IsNullOrWhiteSpace(values[0]))
        {
            if (!TryParse(values[0]!, out certificate, out var problem))
            {
                logger.ForwardedCertificateRefused(problem);
                return Refuse(context);
            }
        }

        context.Features.Set<ITlsConnectionFeature>(new ForwardedTlsConnectionFeature(certificate));
        return ForwardedCertificateOutcome.Applied;
    }

    private static ForwardedCertificateOutcome Refuse(HttpContext context)
    {
        // Whatever happens next, the request carries no certificate.
        context.Features.Set<ITlsConnectionFeature>(new ForwardedTlsConnectionFeature(null));
        return ForwardedCertificateOutcome.Refused;
    }

    /// <summary>
    /// Parses one forwarded certificate: URL-encoded PEM (nginx <c>$ssl_client_escaped_cert</c>, Envoy), plain PEM, or
    /// base64 DER (YARP, Azure Application Gateway, AWS ALB). More than one certificate is refused.
    /// </summary>
    /// <param name="value">The header value.</param>
    /// <param name="certificate">The certificate.</param>
    /// <param name="problem">Why it was refused.</param>
    /// <returns>Whether exactly one certificate was read.</returns>
    public static bool TryParse(
        string value,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out X509Certificate2? certificate,
        out string problem)
    {
        ArgumentNullException.ThrowIfNull(value);
        certificate = null;
        problem = string.Empty;
        if (value.Length > MaxHeaderLength)
        {
            problem = $"the header is longer than {MaxHeaderLength} characters";
            return false;
        }

        try
        {
            var text = value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;
            var first = text.IndexOf(PemBegin, StringComparison.Ordinal);
            if (first >= 0)
            {
                if (text.IndexOf(PemBegin, first + PemBegin.Length, StringComparison.Ordinal) >= 0)
                {
                    problem = "the header holds more than one certificate";
                    return false;
                }

                certificate = X509Certificate2.CreateFromPem(text);
                return true;
            }

            certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text.Trim()));
            return true;
        }
        catch (Exception exception) when (exception is FormatException or CryptographicException or ArgumentException)
        {
            problem = "the header does not hold a certificate";
            return false;
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

    private sealed class ForwardedTlsConnectionFeature(X509Certificate2? certificate) : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; } = certificate;

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);
    }
}
