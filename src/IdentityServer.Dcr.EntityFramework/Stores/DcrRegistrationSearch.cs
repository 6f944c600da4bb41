// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>Which registrations a <see cref="DcrRegistrationSearch"/> returns, by state.</summary>
public enum DcrRegistrationStatusFilter
{
    /// <summary>Every registration.</summary>
    All = 0,

    /// <summary>Only clients that are enabled (not disabled by an operator).</summary>
    Enabled = 1,

    /// <summary>Only clients an operator disabled.</summary>
    Disabled = 2,
}

/// <summary>
/// A search of the registrations for an operator's list (<see cref="EntityFrameworkClientRegistrationStore.SearchAsync"/>):
/// a text matched against the identifiers, a state, and one page of a bounded size.
/// </summary>
public sealed record DcrRegistrationSearch
{
    /// <summary>The largest <see cref="PageSize"/>: <c>100</c>.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The longest <see cref="Text"/>: <c>256</c> characters (the longest identifier column).</summary>
    public const int MaxTextLength = 256;

    /// <summary>The largest <see cref="Page"/>: <c>100000</c>.</summary>
    public const int MaxPage = 100_000;

    /// <summary>
    /// Only registrations whose client id, <c>software_id</c> or <c>org_id</c> contains this text, ignoring ASCII
    /// case; <see langword="null"/> or blank for all. Leading and trailing white space is ignored.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>Only registrations in this state. Default <see cref="DcrRegistrationStatusFilter.All"/>.</summary>
    public DcrRegistrationStatusFilter Status { get; init; }

    /// <summary>The page, from 1 (1 to <see cref="MaxPage"/>). Default 1.</summary>
    public int Page { get; init; } = 1;

    /// <summary>The number of registrations per page (1 to <see cref="MaxPageSize"/>). Default 25.</summary>
    public int PageSize { get; init; } = 25;
}

/// <summary>One page of a <see cref="DcrRegistrationSearch"/>, newest registration first.</summary>
public sealed record DcrRegistrationSearchResult
{
    /// <summary>The registrations of the page (at most <see cref="PageSize"/>; none past the last page).</summary>
    public required IReadOnlyList<DcrRegistrationSummary> Items { get; init; }

    /// <summary>How many registrations match the search, on every page.</summary>
    public required int TotalCount { get; init; }

    /// <summary>The page, from 1.</summary>
    public required int Page { get; init; }

    /// <summary>The page size of the search.</summary>
    public required int PageSize { get; init; }

    /// <summary>How many pages the matches fill (at least 1).</summary>
    public int PageCount => Math.Max(1, (int)((TotalCount + (long)PageSize - 1) / PageSize));
}

/// <summary>What an operator's list shows of a registration, read without its metadata or software statement.</summary>
public sealed record DcrRegistrationSummary
{
    /// <summary>The client identifier.</summary>
    public required string ClientId { get; init; }

    /// <summary>The SSA's <c>software_id</c>.</summary>
    public required string SoftwareId { get; init; }

    /// <summary>The SSA's <c>org_id</c>.</summary>
    public required string OrganisationId { get; init; }

    /// <summary>The SSA's <c>software_client_name</c>, when it has one (client-controlled text: encode it).</summary>
    public string? SoftwareName { get; init; }

    /// <summary>The SSA's <c>org_name</c>, when it has one (client-controlled text: encode it).</summary>
    public string? OrganisationName { get; init; }

    /// <summary>The SSA's issuer (the trust anchor).</summary>
    public required string SoftwareStatementIssuer { get; init; }

    /// <summary>The registered <c>token_endpoint_auth_method</c>.</summary>
    public required string TokenEndpointAuthMethod { get; init; }

    /// <summary>When the client identifier was issued (the registration's creation).</summary>
    public required DateTimeOffset ClientIdIssuedAt { get; init; }

    /// <summary>When the registration was last written.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When an operator disabled the client; <see langword="null"/> while it is enabled.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>Whether an operator disabled the client.</summary>
    public bool IsDisabled => DisabledAt is not null;

    /// <summary>The transport certificate the registration (or its last update) was made with, when recorded.</summary>
    public TransportCertificateInfo? TransportCertificate { get; init; }
}
