from ninja import Router

router = Router(tags=["合同与支付"])
