// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.ResponseGeneration;

/// <summary>The default <see cref="IRegistrationResponseGenerator"/>.</summary>
public class RegistrationResponseGenerator : IRegistrationResponseGenerator
{
    /// <summary>
    /// Claims of the software statement's JWT envelope that are not flattened into the response: they describe the
    /// SSA, not the client, and would be mistaken for the registration's own.
    /// </summary>
    protected static IReadOnlySet<string> EnvelopeClaims
    {
        get;
    } = new HashSet<string>(StringComparer.Ordinal) { "iss", "iat", "exp", "nbf", "jti", "aud", "sub" };

    /// <inheritdoc />
    public virtual JsonObject CreateResponse(ClientRegistration registration, string? clientSecret)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var body = new JsonObject();
        AddSoftwareStatementClaims(body, registration);
        AddMetadata(body, registration.Metadata);
        body["client_id"] = registration.ClientId;
        body["client_id_issued_at"] = registration.ClientIdIssuedAt.ToUnixTimeSeconds();
        if (clientSecret is not null)
        {
            body["client_secret"] = clientSecret;
            body["client_secret_expires_at"] = registration.ClientSecretExpiresAt?.ToUnixTimeSeconds() ?? 0L;
        }

        body["software_statement"] = registration.SoftwareStatement;
        return body;
    }

    /// <summary>Flattens the software statement's claims (except <see cref="EnvelopeClaims"/>) as sent.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="registration">The registration.</param>
    protected virtual void AddSoftwareStatementClaims(JsonObject body, ClientRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(registration);
        if (JsonNode.Parse(registration.SoftwareStatementClaims) is not JsonObject claims)
        {
            return;
        }

        foreach (var (name, value) in claims.ToList())
        {
            if (!EnvelopeClaims.Contains(name))
            {
                claims.Remove(name);
                body[name] = value;
            }
        }
    }

    /// <summary>Adds the registered metadata, omitting absent values and overriding SSA claims of the same name.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="metadata">The registered metadata.</param>
    protected virtual void AddMetadata(JsonObject body, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (JsonSerializer.SerializeToNode(metadata, DcrJsonContext.Default.ClientMetadata) is not JsonObject registered)
        {
            return;
        }

        foreach (var (name, value) in registered.ToList())
        {
            registered.Remove(name);
            if (value is not null)
            {
                body[name] = value;
            }
        }
    }
}
