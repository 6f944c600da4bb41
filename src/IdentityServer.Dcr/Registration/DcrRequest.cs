// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Registration;

/// <summary>
/// A registration request as the host received it: the body (already capped at
/// <see cref="Configuration.RequestObjectOptions.MaxBodySize"/>), its content type, and the TPP's transport certificate.
/// The host adapter builds it; the engine never sees the HTTP stack.
/// </summary>
/// <param name="ContentType">The request's <c>Content-Type</c> header, or <see langword="null"/>.</param>
/// <param name="Body">The request body.</param>
/// <param name="ClientCertificate">The transport certificate of the mutual TLS connection (or trusted proxy), if any.</param>
public sealed record DcrRequest(string? ContentType, ReadOnlyMemory<byte> Body, X509Certificate2? ClientCertificate);
