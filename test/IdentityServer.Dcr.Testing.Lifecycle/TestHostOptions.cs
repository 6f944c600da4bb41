// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>What varies between the suites' in-process hosts; everything else <see cref="TestHost"/> does one way.</summary>
public sealed class TestHostOptions
{
    /// <summary>
    /// Null (the default): the slim builder, as the suites' banks use. Set: the full builder with these options (a
    /// demo host, built the way its Program.cs builds it: content root, environment, application name).
    /// </summary>
    public WebApplicationOptions? Application { get; init; }

    /// <summary>
    /// The HTTPS certificate: Kestrel listens on 127.0.0.1 with it. Null: the application configures HTTPS itself
    /// (a demo host's Kestrel defaults) and the host listens at its URL.
    /// </summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>
    /// How HTTPS treats client certificates, with <see cref="ServerCertificate"/>; by default the DCR wiring of a bank
    /// (<c>UseDcrTransportCertificates</c>: mutual TLS, the certificate checked by the engine).
    /// </summary>
    public Action<HttpsConnectionAdapterOptions, IServiceProvider>? ConfigureHttps { get; init; }

    /// <summary>
    /// The port; 0 (the default) for a free one, chosen before the application is built (so that <see cref="Configure"/>
    /// knows the address, an issuer for example) and chosen again if another process takes it in between.
    /// </summary>
    public int Port { get; init; }

    /// <summary>Also listen on plain HTTP on another free port (a CRL distribution point): <see cref="TestHostAddress.PlainHttp"/>.</summary>
    public bool PlainHttpListener { get; init; }

    /// <summary>Listen on plain HTTP only, at <see cref="TestHostAddress.BaseAddress"/> (a CRL distribution point on its own).</summary>
    public bool PlainHttpOnly { get; init; }

    /// <summary>Configuration and services, as the host's Program.cs would add them; the addresses are known.</summary>
    public Action<WebApplicationBuilder, TestHostAddress>? Configure { get; init; }

    /// <summary>After the application is built and before it starts: migrations, middleware, endpoints.</summary>
    public Func<WebApplication, Task>? ConfigureApp { get; init; }
}

/// <summary>Where a <see cref="TestHost"/> listens.</summary>
/// <param name="BaseAddress">The base address, such as <c>https://127.0.0.1:41234/</c> (<c>http</c> with <see cref="TestHostOptions.PlainHttpOnly"/>).</param>
/// <param name="PlainHttp">The plain HTTP base address, with <see cref="TestHostOptions.PlainHttpListener"/>.</param>
public sealed record TestHostAddress(Uri BaseAddress, Uri? PlainHttp);
