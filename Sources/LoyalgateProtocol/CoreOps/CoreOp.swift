/// The core's ops (docs/protocol.md). Each is a `WireOperation` declared in this folder beside its
/// parameters and answer; `all` is the list the core serves and the docs must show.
public enum CoreOp {
    public static let all: [any WireOperation.Type] = [
        CardLookup.self, TxnEarn.self, TxnRedeem.self, TxnReturn.self, AccountHistory.self, CustomerFind.self,
        ProgramRewards.self, CoreStatus.self,
        CardActivate.self, CardBlock.self, CardReplace.self, CardLinkPatient.self, AccountPool.self, AccountSplit.self,
        MembershipSet.self, CardDetach.self,
        CustomerRegister.self, CustomerUpdate.self, CustomerGet.self, CustomerExport.self, CustomerErase.self,
        PrepaidLoad.self, PrepaidPay.self, PrepaidReverse.self, PrepaidLiability.self,
        StampsRedeem.self, VoucherIssue.self, VoucherRedeem.self, VoucherLookup.self, TxnQuote.self,
        ReportSummary.self, AuditAppend.self, AuditList.self, ProgramImport.self, ProgramVersions.self,
        ExportPage.self, BatchDesigns.self, BatchPreview.self, BatchOrder.self, BatchList.self, BatchResume.self,
        CardReprint.self, CardholderToken.self, CardholderView.self, MailUnsubscribe.self,
        CardholderLink.self, CardholderOpen.self, CardholderDetails.self, CardholderExport.self,
        ProgramEndAnnounce.self, ProgramEndGet.self,
        CampaignAdd.self, CampaignCancel.self, CampaignList.self, DrawDefine.self, DrawCommit.self, DrawRun.self,
        DrawList.self, DrawReport.self,
        ReportStatistics.self, ReportTrend.self, ReportBestCustomers.self, SegmentSave.self, SegmentList.self,
        SegmentMembers.self, SegmentMail.self,
    ]
}
