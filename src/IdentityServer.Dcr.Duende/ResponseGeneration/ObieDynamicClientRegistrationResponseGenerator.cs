// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Serialization;
using Duende.IdentityServer.Configuration.Models;
using Duende.IdentityServer.Configuration.Models.DynamicClientRegistration;
using Duende.IdentityServer.Configuration.ResponseGeneration;
using IdentityServer.Dcr.AspNetCore.Endpoints;
using IdentityServer.Dcr.Duende.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.ResponseGeneration;

/// <summary>
/// Duende's <see cref="DynamicClientRegistrationResponseGenerator"/> writing OBIE answers: the engine's response body
/// (snake_case, the OpenAPI types, SSA claims flattened) for a success, and RFC 7591 <c>{"error", "error_description"}</c>
/// for every failure, all as uncached JSON.
/// </summary>
/// <remarks>
/// Used by the adapter's registration endpoint, and by Duende's own endpoint if the bank still maps it (whose non-OBIE
/// responses are then written in snake_case too). Adds <see cref="WriteUnavailableAsync"/> for dependency outages.
/// </remarks>
public class ObieDynamicClientRegistrationResponseGenerator : DynamicClientRegistrationResponseGenerator
{
    /// <summary>Creates the generator.</summary>
    /// <param name="logger">The logger.</param>
    public ObieDynamicClientRegistrationResponseGenerator(ILogger<DynamicClientRegistrationResponseGenerator> logger)
        : base(logger)
        => SerializerOptions = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };

    /// <summary>201 with the OBIE body; a plain Duende response (not from the OBIE processor) is written in snake_case.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="response">The response.</param>
    /// <returns>A task.</returns>
    public override Task WriteSuccessResponse(HttpContext context, DynamicClientRegistrationResponse response)
    {
        ArgumentNullException.ThrowIfNull(context);
        return response is ObieDynamicClientRegistrationResponse obie
            ? DcrHttp.WriteJsonAsync(context, StatusCodes.Status201Created, obie.Body)
            : base.WriteSuccessResponse(context, response);
    }

    /// <summary>400 with the RFC 7591 error.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="error">The error.</param>
    /// <returns>A task.</returns>
    public override Task WriteError(HttpContext context, DynamicClientRegistrationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return DcrHttp.WriteErrorAsync(context, StatusCodes.Status400BadRequest, new DcrError(error.Error, error.ErrorDescription));
    }

    /// <summary>400 <c>invalid_client_metadata</c>: the body could not be read.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>A task.</returns>
    public override Task WriteBadRequestError(HttpContext context)
        => DcrHttp.WriteErrorAsync(
            context,
            StatusCodes.Status400BadRequest,
            DcrError.InvalidClientMetadata(DcrErrorDescriptions.BodyMalformed));

    /// <summary>415 with an RFC 7591 error body (Duende's own endpoint accepts only <c>application/json</c>).</summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>A task.</returns>
    public override Task WriteContentTypeError(HttpContext context)
        => DcrHttp.WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType,
            DcrError.InvalidClientMetadata(DcrErrorDescriptions.ContentTypeNotJose));

    /// <summary>
    /// 503 with <c>Retry-After</c> and <c>temporarily_unavailable</c>: a JWKS host or the database failed, which is not the
    /// client's fault (<see cref="DcrInfrastructureException"/>).
    /// </summary>
    /// <param name="context">The HTTP context.</param>
    /// <returns>A task.</returns>
    public virtual Task WriteUnavailableAsync(HttpContext context) => DcrHttp.WriteUnavailableAsync(context);

    /// <inheritdoc />
    public override async Task WriteResponse<T>(HttpContext context, int statusCode, T response)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        await base.WriteResponse(context, statusCode, response).ConfigureAwait(false);
    }
}
