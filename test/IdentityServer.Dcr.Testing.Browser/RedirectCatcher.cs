// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Testing.Browser;

/// <summary>
/// The loopback HTTPS listener behind <see cref="BrowserSessionOptions.InterceptedHosts"/>: Chromium resolves those
/// hosts to it, it records each request's URL as the browser asked for it (host included) and answers with a short
/// page. Its certificate is self-signed, made for the session, and trusted by public key only.
/// </summary>
internal sealed class RedirectCatcher : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Uri> _requests = new();

    private RedirectCatcher(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    /// <summary>The listener's TLS certificate (its public key goes to <c>--ignore-certificate-errors-spki-list</c>).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Every request received so far, oldest first.</summary>
    public IReadOnlyList<Uri> Requests => [.. _requests];

    public static async Task<RedirectCatcher> StartAsync(IReadOnlyCollection<string> hosts)
    {
        var certificate = CreateCertificate(hosts);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var catcher = new RedirectCatcher(app, certificate);
        app.Run(async context =>
        {
            catcher._requests.Enqueue(new Uri(context.Request.GetEncodedUrl()));
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync(
                "<!doctype html><title>Redirect captured</title><p>Captured by the test's redirect catcher.</p>")
                .ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);
        catcher.Port = new Uri(app.Urls.Single()).Port;
        return catcher;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Certificate.Dispose();
    }

    private static X509Certificate2 CreateCertificate(IReadOnlyCollection<string> hosts)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hosts.First()}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            san.AddDnsName(host);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Kestrel on Linux needs the key in an exportable, loadable form.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
