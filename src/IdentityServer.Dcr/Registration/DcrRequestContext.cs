// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using IdentityServer.Dcr.Tokens;
using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.Registration;

/// <summary>
/// The state of one registration request as it passes through the pipeline. Each stage reads what earlier
/// stages set and adds its own; typed properties, never a bag of strings. <see cref="Items"/> is for what a host or
/// plug-in keeps around the engine, never read by the engine's stages.
/// </summary>
public sealed class DcrRequestContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="request">The request as received.</param>
    /// <param name="operation">The operation.</param>
    public DcrRequestContext(DcrRequest request, DcrOperation operation = DcrOperation.Create)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
        Operation = operation;
    }

    /// <summary>The request as received.</summary>
    public DcrRequest Request { get; }

    /// <summary>The operation.</summary>
    public DcrOperation Operation { get; }

    /// <summary>For <see cref="DcrOperation.Update"/>: the registration being replaced.</summary>
    public ClientRegistration? ExistingRegistration { get; set; }

    /// <summary>The registration request JWT as a compact string, once read from the body.</summary>
    public string? RequestJwt => RequestToken?.Token;

    /// <summary>
    /// The request's claims. Unverified until <see cref="RequestSignatureVerified"/> is <see langword="true"/>;
    /// only the software statement is read from them before that.
    /// </summary>
    public JsonElement RequestClaims => RequestToken?.Payload ?? default;

    /// <summary>Whether the request JWS signature has been verified with the TPP's key.</summary>
    public bool RequestSignatureVerified { get; internal set; }

    /// <summary>The verified software statement, once the software statement validator has run.</summary>
    public SoftwareStatement? SoftwareStatement { get; set; }

    /// <summary>The request token to record against replay, once the request object validator has run.</summary>
    public UsedRequestToken? UsedRequestToken { get; set; }

    /// <summary>The metadata to register, once the metadata validator has run.</summary>
    public ClientMetadata? Metadata { get; set; }

    /// <summary>The stored registration, once the processor has written it.</summary>
    public ClientRegistration? Registration { get; set; }

    /// <summary>
    /// State a host or plug-in keeps with the request, keyed by objects it owns (as <c>HttpContext.Items</c>): the Duende
    /// plug-in keeps the Duende client being built here for its processor's overrides. The engine's stages never read it.
    /// </summary>
    public IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

    /// <summary>Set by an event handler to reject the request; the pipeline stops and returns it.</summary>
    public DcrError? Error { get; private set; }

    /// <summary>Rejects the request from an event handler.</summary>
    /// <param name="error">The error to return.</param>
    public void Reject(DcrError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    internal CompactJws? RequestToken { get; set; }

    internal CompactJws? SoftwareStatementToken { get; set; }
}
