// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Tpp.Http;

/// <summary>How the tool connects to a bank: server trust, the transport certificate (mutual TLS) and the time-out.</summary>
internal sealed class BankConnectionOptions
{
    /// <summary><c>--insecure</c>: trust any server certificate (the sandbox's self-signed TLS). Never for a real bank.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>--ca-file</c>: a PEM file of CA certificates trusted in addition to the system's.</summary>
    public string? CaFile { get; init; }

    /// <summary>The transport certificate with its private key, presented on every connection when set.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
