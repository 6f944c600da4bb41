// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace IdentityServer.Dcr.AspNetCore.Endpoints;

/// <summary>
/// The endpoints' API description, as endpoint metadata of the framework (tags, summaries, accepted media types,
/// response types): any OpenAPI generator built on ASP.NET Core's API explorer (Microsoft.AspNetCore.OpenApi,
/// Swashbuckle, NSwag) describes the endpoints from it, and the library depends on none of them. Summaries and tag
/// follow OBIE's OpenAPI file.
/// </summary>
public static class DcrEndpointDescriptions
{
    /// <summary>The tag of every operation, as in OBIE's OpenAPI file.</summary>
    public const string Tag = "Client Registration";

    private const string Json = "application/json";

    /// <summary>The request media types the registration request reader accepts, the OBIE one first.</summary>
    private static readonly string[] RequestMediaTypes = ["application/jwt", "application/jose", Json];

    /// <summary>Describes <c>POST {path}</c>.</summary>
    public static TBuilder DescribeRegistration<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder
            .WithTags(Tag)
            .WithSummary("Register a client by way of a Software Statement Assertion")
            .WithDescription(
                "Mutual TLS: the transport certificate must chain to the bank's trusted roots and belong to the software statement's " +
                "organisation and software. The body is the registration request, a JWS signed with a key of the TPP's JWKS " +
                "(application/jwt or application/jose; application/json with the JWS as a JSON string is accepted too). " +
                "Every answer is JSON with Cache-Control: no-store.")
            .WithMetadata(new AcceptsMetadata(RequestMediaTypes, typeof(string)))
            .WithMetadata(Response(StatusCodes.Status201Created, typeof(DcrRegistrationResponse), "Client registration"))
            .WithMetadata(BadRequest())
            .WithMetadata(Unavailable());

    /// <summary>Describes a management operation on <c>{path}/{ClientId}</c>, left out of the API description while it is disabled.</summary>
    internal static TBuilder DescribeManagement<TBuilder>(this TBuilder builder, IServiceProvider services, ManagementEndpoints.Operation operation)
        where TBuilder : IEndpointConventionBuilder
    {
        const string Authentication =
            "Mutual TLS with the client's own transport certificate, and a bearer access token issued to the same client " +
            "by the client credentials grant.";
        builder
            .WithTags(Tag)
            .WithMetadata(new ManagementOperationDescription(services, operation));
        switch (operation)
        {
            case ManagementEndpoints.Operation.Read:
                builder
                    .WithSummary("Get a client by way of Client ID")
                    .WithDescription(Authentication)
                    .WithMetadata(
                        Response(StatusCodes.Status200OK, typeof(DcrRegistrationResponse), "Client registration, without the client secret"));
                break;
            case ManagementEndpoints.Operation.LegacyPostRead:
                builder
                    .WithSummary("Get a client by way of Client ID (POST, before version 3.4)")
                    .WithDescription(
                        "The read operation as the text of versions 3.2 and 3.3 names it; served only for those versions " +
                        "(Dcr:SpecVersion) while Dcr:Management:EnableLegacyPostRead is on. No request body. " + Authentication)
                    .WithMetadata(
                        Response(StatusCodes.Status200OK, typeof(DcrRegistrationResponse), "Client registration, without the client secret"));
                break;
            case ManagementEndpoints.Operation.Update:
                builder
                    .WithSummary("Update a client by way of Client ID")
                    .WithDescription(Authentication + " The body is a registration request with every claim, signed as for registration.")
                    .WithMetadata(new AcceptsMetadata(RequestMediaTypes, typeof(string)))
                    .WithMetadata(Response(StatusCodes.Status200OK, typeof(DcrRegistrationResponse), "Client registration"))
                    .WithMetadata(BadRequest());
                break;
            default:
                builder
                    .WithSummary("Delete a client by way of Client ID")
                    .WithDescription(Authentication + " The client's tokens are revoked.")
                    .WithMetadata(Response(StatusCodes.Status204NoContent, null, "Client deleted"));
                break;
        }

        return builder
            .WithMetadata(Response(StatusCodes.Status401Unauthorized, typeof(DcrError),
                "Missing or invalid access token, a transport certificate that is not the client's, or an unknown client " +
                "(whose access token is then revoked); with WWW-Authenticate: Bearer"))
            .WithMetadata(Response(StatusCodes.Status403Forbidden, typeof(DcrError),
                "The access token was issued to another client (insufficient_scope); 401 instead when " +
                "Dcr:Management:ForeignClientStatusCode is 401"))
            .WithMetadata(Response(StatusCodes.Status405MethodNotAllowed, null,
                "The operation is turned off (Dcr:Management) or no authorization server plug-in validates access tokens; " +
                "the Allow header lists the methods served"))
            .WithMetadata(Unavailable());
    }

    private static ProducesResponseTypeAttribute BadRequest()
        => Response(StatusCodes.Status400BadRequest, typeof(DcrError), "Request failed due to client error (RFC 7591 error)");

    private static ProducesResponseTypeAttribute Unavailable()
        => Response(StatusCodes.Status503ServiceUnavailable, typeof(DcrError),
            "A dependency (database, JWKS host, revocation source) is unavailable: temporarily_unavailable, with Retry-After");

    /// <summary>
    /// A response type with its description. The attribute rather than <see cref="ProducesResponseTypeMetadata"/>: the API
    /// explorer takes a minimal endpoint's response descriptions from the attribute only.
    /// </summary>
    private static ProducesResponseTypeAttribute Response(int status, Type? type, string description)
        => type is null
            ? new(status) { Description = description }
            : new(type, status, Json) { Description = description };
}
